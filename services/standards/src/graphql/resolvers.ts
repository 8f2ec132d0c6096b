import { mergeResolvers, type Resolvers } from '@creditbank/server';
import type { StandardsContext } from './context';
import { catalogResolvers } from './catalog.resolver';
import { standardResolvers } from './standard.resolver';
import { accreditationResolvers } from './accreditation.resolver';
import { certificationResolvers } from './certification.resolver';
import { JSONScalar } from './json.scalar';

export function standardsResolvers(): Resolvers<StandardsContext> {
  return mergeResolvers(
    { JSON: JSONScalar } as unknown as Resolvers<StandardsContext>,
    catalogResolvers,
    standardResolvers,
    accreditationResolvers,
    certificationResolvers,
  );
}
