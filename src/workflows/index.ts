export { ticketWorkflow } from './ticket';
export { sessionWorkflow } from './session';
export { outageWorkflow } from './outage';
