export { freePort } from '../../src/ports';
