import { afterAll, describe, expect, it } from 'vitest';
import { assetHashSerializer, synthEnv } from '../../support/cdk-app.js';
import { describePromises } from '../../support/cdk-promises.js';

expect.addSnapshotSerializer(assetHashSerializer);
const synth = synthEnv('dev');
afterAll(() => synth.dispose());

describe('dev', () => {
  it.each(synth.stackParts)('%s template matches the snapshot', (part) => {
    expect(synth.templateJson(part)).toMatchSnapshot();
  });
  describePromises(() => synth);
});
