export { default as mongoose, Schema, type Connection, type Model } from 'mongoose';
export * from './mongo';
export * from './tenant';
