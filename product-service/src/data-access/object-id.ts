import { ObjectId } from 'mongodb';

/** Callers pass ids the domain already checked (isProductId); this only converts. */
export const toObjectId = (id: string): ObjectId => ObjectId.createFromHexString(id);
