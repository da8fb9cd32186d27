import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'tributary:public';

/** Marks a route that needs no bearer token (only the health check). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
