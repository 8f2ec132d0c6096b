import { parse, type DocumentNode } from 'graphql';

/**
 * The Guild's graphql-gateways-benchmark (federation scenario), rebuilt with @apollo/subgraph: four
 * in-memory subgraphs (accounts, inventory, products, reviews) with the same data and resolution rules
 * as its Rust subgraphs, and its nested query. Federation 2 SDL; composed at run time.
 */
const LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", "@external", "@requires", "@provides"])`;

export interface User {
  id: string;
  name: string;
  username: string;
  birthday: number;
}
export interface Product {
  upc: string;
  name: string;
  price: number;
  weight: number;
}
export interface Review {
  id: string;
  body: string;
  upc: string;
}

export const USERS: readonly User[] = [
  { id: '1', name: 'Uri Goldshtein', username: 'urigo', birthday: 1234567890 },
  { id: '2', name: 'Dotan Simha', username: 'dotansimha', birthday: 1234567890 },
  { id: '3', name: 'Kamil Kisiela', username: 'kamilkisiela', birthday: 1234567890 },
  { id: '4', name: 'Arda Tanrikulu', username: 'ardatan', birthday: 1234567890 },
  { id: '5', name: 'Gil Gardosh', username: 'gilgardosh', birthday: 1234567890 },
  { id: '6', name: 'Laurin Quast', username: 'laurin', birthday: 1234567890 },
];

export const PRODUCTS: readonly Product[] = [
  { upc: '1', name: 'Table', price: 899, weight: 100 },
  { upc: '2', name: 'Couch', price: 1299, weight: 1000 },
  { upc: '3', name: 'Glass', price: 15, weight: 20 },
  { upc: '4', name: 'Chair', price: 499, weight: 100 },
  { upc: '5', name: 'TV', price: 1299, weight: 1000 },
  { upc: '6', name: 'Lamp', price: 6999, weight: 300 },
  { upc: '7', name: 'Grill', price: 3999, weight: 2000 },
  { upc: '8', name: 'Fridge', price: 100000, weight: 6000 },
  { upc: '9', name: 'Sofa', price: 9999, weight: 800 },
];

export const IN_STOCK: Readonly<Record<string, boolean>> = {
  '1': true,
  '2': false,
  '3': false,
  '4': false,
  '5': true,
  '6': true,
  '7': true,
  '8': false,
  '9': true,
};

const LOREM =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.';
const SED =
  'Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium doloremque laudantium, totam rem aperiam, eaque ipsa quae ab illo inventore veritatis et quasi architecto beatae vitae dicta sunt explicabo. Nemo enim ipsam voluptatem quia voluptas sit aspernatur aut odit aut fugi';
const QUIA =
  'sed quia consequuntur magni dolores eos qui ratione voluptatem sequi nesciunt. Neque porro quisquam est, qui dolorem ipsum quia dolor sit amet, consectetur, adipisci velit, sed quia non numquam eius modi tempora incidunt ut labore et dolore magnam aliquam quaerat voluptatem.';
const MINIMA =
  'Ut enim ad minima veniam, quis nostrum exercitationem ullam corporis suscipit laboriosam, nisi ut aliquid ex ea commodi consequatur? Quis autem';
const VERO =
  'At vero eos et accusamus et iusto odio dignissimos ducimus qui blanditiis praesentium voluptatum deleniti atque corrupti quos dolores et quas molestias excepturi sint occaecati cupiditate non provident, similique sunt in culpa qui officia deserunt mollitia animi, id est laborum et dolorum fuga. Et harum quidem rerum facilis est et expedita distinctio. Nam libero tempore, cum soluta nobis est eligendi optio cumque nihil impedit quo minus id quod maxime placeat facere possimus, omnis voluptas assumenda est, omnis dolor repellendus. Temporibus autem quibusdam et aut officiis debitis aut rerum necessitatibus saepe eveniet ut et voluptates repudiandae sint et molestiae non recusandae. Itaque earum rerum hic tenetur a sapiente delectus, ut aut reiciendis voluptatibus maiores alias consequatur aut perferendis doloribus asperiores repellat.';

export const REVIEWS: readonly Review[] = [
  { id: '1', body: LOREM, upc: '1' },
  { id: '2', body: SED, upc: '1' },
  { id: '3', body: QUIA, upc: '1' },
  { id: '4', body: MINIMA, upc: '1' },
  { id: '5', body: LOREM, upc: '2' },
  { id: '6', body: SED, upc: '2' },
  { id: '7', body: QUIA, upc: '2' },
  { id: '8', body: MINIMA, upc: '2' },
  { id: '9', body: MINIMA, upc: '3' },
  { id: '10', body: MINIMA, upc: '4' },
  { id: '11', body: VERO, upc: '4' },
];

/** The reviews subgraph gives every user (and every review's author) the first two reviews. */
const USER_REVIEWS = REVIEWS.slice(0, 2);

export function shippingEstimate(price: number | null | undefined, weight: number | null | undefined): number | null {
  if (price == null) return null;
  if (price > 1000) return 0;
  return weight == null ? null : Math.floor(weight / 2);
}

export interface GuildSubgraph {
  name: 'accounts' | 'inventory' | 'products' | 'reviews';
  typeDefs: DocumentNode;
  resolvers: Record<string, Record<string, unknown>>;
}

type Ref = Record<string, unknown>;

export const GUILD_SUBGRAPHS: readonly GuildSubgraph[] = [
  {
    name: 'accounts',
    typeDefs: parse(`${LINK}
      type Query { me: User  user(id: ID!): User  users: [User] }
      type User @key(fields: "id") { id: ID!  name: String  username: String @shareable  birthday: Int }`),
    resolvers: {
      Query: { me: () => USERS[0], user: (_: unknown, a: { id: string }) => USERS.find((u) => u.id === a.id) ?? null, users: () => USERS },
      User: { __resolveReference: (ref: Ref) => USERS.find((u) => u.id === ref['id']) ?? null },
    },
  },
  {
    name: 'inventory',
    typeDefs: parse(`${LINK}
      type Product @key(fields: "upc") {
        upc: String!  weight: Int @external  price: Int @external  inStock: Boolean
        shippingEstimate: Int @requires(fields: "price weight")
      }`),
    resolvers: {
      Product: {
        __resolveReference: (ref: Ref) => ({ ...ref, inStock: IN_STOCK[String(ref['upc'])] ?? null }),
        shippingEstimate: (p: Ref) => shippingEstimate(p['price'] as number | null, p['weight'] as number | null),
      },
    },
  },
  {
    name: 'products',
    typeDefs: parse(`${LINK}
      type Query { topProducts(first: Int = 5): [Product] }
      type Product @key(fields: "upc") { upc: String!  name: String  price: Int  weight: Int }`),
    resolvers: {
      Query: { topProducts: (_: unknown, a: { first?: number }) => PRODUCTS.slice(0, a.first ?? 5) },
      Product: { __resolveReference: (ref: Ref) => PRODUCTS.find((p) => p.upc === ref['upc']) ?? null },
    },
  },
  {
    name: 'reviews',
    typeDefs: parse(`${LINK}
      type Review @key(fields: "id") { id: ID!  body: String  product: Product  author: User @provides(fields: "username") }
      type User @key(fields: "id") { id: ID!  username: String @external  reviews: [Review] }
      type Product @key(fields: "upc") { upc: String!  reviews: [Review] }`),
    resolvers: {
      Review: {
        __resolveReference: (ref: Ref) => REVIEWS.find((r) => r.id === ref['id']) ?? null,
        product: (r: Review) => ({ upc: r.upc }),
        author: () => ({ id: '1', username: 'urigo' }),
      },
      User: {
        __resolveReference: (ref: Ref) => ({ id: ref['id'], username: 'user' }),
        reviews: () => USER_REVIEWS,
      },
      Product: {
        __resolveReference: (ref: Ref) => ({ upc: ref['upc'] }),
        reviews: (p: Ref) => REVIEWS.filter((r) => r.upc === p['upc']),
      },
    },
  },
];

/** The benchmark's query (its nesting and fragments as in the Guild's k6 scenario). */
export const GUILD_QUERY = `fragment User on User { id username name }
fragment Review on Review { id body }
fragment Product on Product { inStock name price shippingEstimate upc weight }
query TestQuery {
  users { ...User reviews { ...Review product { ...Product reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } } } } }
  topProducts { ...Product reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } } }
}`;

/** The single-subgraph pass-through query of the overhead measurement (accounts only). */
export const PASS_THROUGH_QUERY = 'query Users { users { id name username birthday } }';

const product = (upc: string) => {
  const p = PRODUCTS.find((x) => x.upc === upc)!;
  return {
    inStock: IN_STOCK[upc] ?? null,
    name: p.name,
    price: p.price,
    shippingEstimate: shippingEstimate(p.price, p.weight),
    upc,
    weight: p.weight,
  };
};
const review = (r: Review) => ({ id: r.id, body: r.body });
const author = () => ({
  id: '1',
  username: 'urigo',
  name: USERS[0]!.name,
  reviews: USER_REVIEWS.map((r) => ({ ...review(r), product: product(r.upc) })),
});
const productWithReviews = (upc: string) => ({
  ...product(upc),
  reviews: REVIEWS.filter((r) => r.upc === upc).map((r) => ({ ...review(r), author: author() })),
});

/** The answer to GUILD_QUERY, computed from the fixtures (not from any gateway), to check every body. */
export function expectedGuildData(): unknown {
  return {
    users: USERS.map((u) => ({
      id: u.id,
      username: u.username,
      name: u.name,
      reviews: USER_REVIEWS.map((r) => ({ ...review(r), product: productWithReviews(r.upc) })),
    })),
    topProducts: PRODUCTS.slice(0, 5).map((p) => productWithReviews(p.upc)),
  };
}

export function expectedPassThroughData(): unknown {
  return { users: USERS.map((u) => ({ id: u.id, name: u.name, username: u.username, birthday: u.birthday })) };
}
