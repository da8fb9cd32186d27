// The steps of the new-connection wizard (shared by its page, which reads the step from the URL,
// and the wizard itself).
export const WIZARD_STEPS = ['source', 'destination', 'streams', 'schedule', 'schema', 'review'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];
