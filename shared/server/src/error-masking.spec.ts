import { Writable } from 'node:stream';
import { GraphQLError } from 'graphql';
import { createLogger, runWithContext } from '@creditbank/logging';
import { createErrorFormatter, withoutInputValues, withoutPersonalNumbers, withoutSuggestions } from './error-masking';

describe('error messages carry no submitted values', () => {
  it.each([
    [
      'Variable "$rows" got invalid value { externalRef: "r", idNumber: "11010519491231002X", name: "张三" } at "rows[10]"; Field "unexpected" is not defined by type "OutcomeRowInput".',
      'Variable "$rows" got an invalid value at "rows[10]"; Field "unexpected" is not defined by type "OutcomeRowInput".',
    ],
    [
      'Variable "$input" got invalid value 11010519491231002 at "input.idNumber"; String cannot represent a non string value: 11010519491231002',
      'Variable "$input" got an invalid value at "input.idNumber"; String cannot represent a non string value.',
    ],
    [
      'Variable "$i" got invalid value "13800138000"; Expected type "Int". Int cannot represent non-integer value',
      'Variable "$i" got an invalid value',
    ],
    [
      'Variable "$input" got invalid value { name: "张三; x" }; Field "idNumber" of required type "String!" was not provided.',
      'Variable "$input" got an invalid value; Field "idNumber" of required type "String!" was not provided.',
    ],
    ['Expected value of type "Int!", found "13800138000".', 'Expected value of type "Int!".'],
    ['Cannot query field "x" on type "Query".', 'Cannot query field "x" on type "Query".'],
  ])('%s', (input, expected) => {
    expect(withoutInputValues(input)).toBe(expected);
  });

  it('drops suggestions', () => {
    expect(withoutSuggestions('Cannot query field "serviceNod" on type "Query". Did you mean "serviceNode"?')).toBe(
      'Cannot query field "serviceNod" on type "Query".',
    );
  });
});

describe('the error formatter', () => {
  function capture() {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({
      service: 'test',
      destination: new Writable({
        write(chunk: Buffer, _enc, cb) {
          for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
          cb();
        },
      }),
    });
    return { lines, format: createErrorFormatter({ logger, production: true }) };
  }
  const asFormatted = (e: GraphQLError) => e.toJSON();

  it('masks an unexpected error carrying personal data: generic message, code, trace id of the logged line', () => {
    const { lines, format } = capture();
    const original = new Error('cannot file 王小明 (110101199003077777, 13800138000)', { cause: new Error('driver: dup 13800138000') });
    const error = new GraphQLError(original.message, { path: ['learner'], originalError: original });
    const out = runWithContext({ requestId: 'req-pii-1' }, () => format(asFormatted(error), error));
    expect(out).toEqual({
      message: 'Internal server error',
      path: ['learner'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', traceId: 'req-pii-1' },
    });
    expect(lines).toEqual([expect.objectContaining({ level: 'error', reqId: 'req-pii-1', msg: 'unexpected error' })]);
    // The log keeps the message for the operator, without the ID number and the phone.
    expect(lines[0]!['err']).toMatchObject({
      type: 'Error',
      message: 'cannot file 王小明 ([redacted], [redacted]): driver: dup [redacted]',
    });
    expect(JSON.stringify(lines)).not.toMatch(/110101199003077777|13800138000/);
  });

  it.each([
    ['id 11010519491231002X and 11010519491231002x', 'id [redacted] and [redacted]'],
    ['call 13800138000 now', 'call [redacted] now'],
    ['account 13000000017X stays, 330000000171 too', 'account 13000000017X stays, 330000000171 too'],
    ['a 19-digit 1101051949123100212 stays', 'a 19-digit 1101051949123100212 stays'],
    ['E11000 duplicate key { phone: "15912345678" }', 'E11000 duplicate key { phone: "[redacted]" }'],
  ])('withoutPersonalNumbers(%s)', (input, expected) => {
    expect(withoutPersonalNumbers(input)).toBe(expected);
  });

  it.each([
    ['SERVICE_TIMEOUT', 'A service needed for this request did not answer in time'],
    ['SERVICE_UNAVAILABLE', 'A service needed for this request is unavailable'],
  ])('a failed service (%s) gets its fixed message and the trace id, nothing else', (code, message) => {
    const { lines, format } = capture();
    const error = new GraphQLError('connect ECONNREFUSED 10.0.0.7:4101', { extensions: { code, response: { url: 'http://x' } } });
    const out = runWithContext({ requestId: 'req-svc-1' }, () => format(asFormatted(error), error));
    expect(out).toEqual({ message, extensions: { code, traceId: 'req-svc-1' } });
    expect(lines).toEqual([]); // the gateway logged the cause where it happened
  });

  it('an unreachable database is SERVICE_UNAVAILABLE (retriable) with a fixed message, logged as a warning', () => {
    const { lines, format } = capture();
    const original = Object.assign(new Error('Server selection timed out after 10000 ms: connect ECONNREFUSED 127.0.0.1:27017'), {
      name: 'MongoServerSelectionError',
    });
    const error = new GraphQLError(original.message, { path: ['openLearnerAccount'], originalError: original });
    const out = runWithContext({ requestId: 'req-db-1' }, () => format(asFormatted(error), error));
    expect(out).toEqual({
      message: 'The service cannot reach its database right now; retry the request',
      path: ['openLearnerAccount'],
      extensions: { code: 'SERVICE_UNAVAILABLE', traceId: 'req-db-1' },
    });
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', reqId: 'req-db-1', msg: 'database unavailable' })]);
  });
});
