import { GraphQLError } from 'graphql';
import { BadInputError } from '@creditbank/kernel';
import { errorCodeOf } from './subgraph-server';

describe('errorCodeOf (access log)', () => {
  it('records the client code of application errors, and INTERNAL_SERVER_ERROR for the rest', () => {
    expect(errorCodeOf(new GraphQLError('x', { originalError: new BadInputError('Not enough points', 'quantity') }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(errorCodeOf(new GraphQLError('x', { extensions: { code: 'FORBIDDEN' } }))).toBe('FORBIDDEN');
    expect(errorCodeOf(new GraphQLError('x', { originalError: new Error('boom') }))).toBe('INTERNAL_SERVER_ERROR');
  });
});
