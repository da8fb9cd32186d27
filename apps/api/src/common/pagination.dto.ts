import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiPropertyOptional, type ApiResponseSchemaHost, getSchemaPath } from '@nestjs/swagger';

type SchemaObject = ApiResponseSchemaHost['schema'];
import { Type as TransformType } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class PaginationQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @TransformType(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @TransformType(() => Number)
  @IsInt()
  @Min(0)
  offset = 0;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** Documents a paged list answer: `{ items: [dto…], total, limit, offset }`. */
export function ApiPageResponse(dto: Type<unknown>, description?: string): MethodDecorator & ClassDecorator {
  return ApiListResponse(dto, description, {
    total: { type: 'integer', minimum: 0, description: 'Items matching the query, over all pages.' },
    limit: { type: 'integer', minimum: 1 },
    offset: { type: 'integer', minimum: 0 },
  });
}

/** Documents a list answer `{ items: [dto…] }`, with `extra` properties beside the items (all required). */
export function ApiListResponse(dto: Type<unknown>, description?: string, extra: Record<string, SchemaObject> = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(dto),
    ApiOkResponse({
      ...(description ? { description } : {}),
      schema: {
        type: 'object',
        required: ['items', ...Object.keys(extra)],
        properties: { items: { type: 'array', items: { $ref: getSchemaPath(dto) } }, ...extra },
      },
    }),
  );
}
