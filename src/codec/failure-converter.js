'use strict';
// The failure converter of the client, the worker and the workflow sandbox: failure messages and
// stack traces move into an encoded payload, so the payload codec encrypts them too (an SMTP
// error naming a requester must not sit in history in plaintext). Plain CommonJS because the SDK
// loads it by path with require() in the worker's main thread (tests included, where a
// TypeScript file could not be required) and bundles the same file into the workflow sandbox.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
