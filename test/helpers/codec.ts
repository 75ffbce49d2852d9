/**
 * The payload encryption keys of the tests: committed on purpose (they protect nothing but test
 * data), so that the golden histories under test/histories/, recorded encrypted, decrypt and
 * replay anywhere. Two keys, the newer first, as after a rotation (src/codec/keys.ts).
 */
import { codecDataConverter, parseCodecKeys, workerDataConverter } from '../../src/codec';

export const TEST_CODEC_KEYS =
  'test-2:eEZufOqTf9KGBul0DVPj6eQXWmOKS5zYPk8Z0986IDM=,test-1:36YIMG0Yk7CcqQVuWwUiWKug73Q8F20bxaj9xdkXrqQ=';

export const testKeys = () => parseCodecKeys(TEST_CODEC_KEYS);
export const testDataConverter = () => codecDataConverter(testKeys());
/** The worker's and replay's: marks what the engine did not encrypt (src/codec/worker-codec.ts). */
export const testWorkerDataConverter = () => workerDataConverter(testKeys());
