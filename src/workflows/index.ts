export { ticketWorkflow } from './ticket';
export { sessionWorkflow } from './session';
