// SLA_STATUS_PORT (docs/status-page.md#its-own-port): unset, the public status page is served
// under the API alone; set, on that port too; a bad value is refused at start naming the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

describe('SLA_STATUS_PORT', () => {
  it('is optional and parsed as a port', () => {
    expect(loadConfig({}).statusPort).toBeUndefined();
    expect(loadConfig({ SLA_STATUS_PORT: '8081' }).statusPort).toBe(8081);
  });

  it.each(['0', '70000', 'http', '80.5'])('refuses %s naming the variable', (value) => {
    expect(() => loadConfig({ SLA_STATUS_PORT: value })).toThrow(ConfigError);
    expect(() => loadConfig({ SLA_STATUS_PORT: value })).toThrow(/SLA_STATUS_PORT: /);
  });
});
