import { notFound, type Page } from '@ecommerce/service-kit';
import {
  distinctProductIds,
  isProductId,
  withoutDeletion,
  type CategoryCount,
  type NewProduct,
  type Product,
  type ProductChanges,
  type ProductFilter,
  type ProductRecord,
  type ProductSort,
} from './product';

/** One page of a listing as storage returns it; its records may be shared (frozen) between requests. */
export interface ProductPage {
  items: readonly ProductRecord[];
  total: number;
}

/** What the catalog needs from storage (implemented in data-access). */
export interface ProductStore {
  insert(input: NewProduct): Promise<ProductRecord>;
  findById(id: string): Promise<ProductRecord | null>;
  findByIds(ids: string[]): Promise<ProductRecord[]>;
  list(filter: ProductFilter, sort: ProductSort, page: { skip: number; limit: number }): Promise<ProductPage>;
  /** Changes a product that is not deleted; null when there is none. */
  update(id: string, changes: ProductChanges): Promise<ProductRecord | null>;
  /** Marks a live product deleted; false when there is none. */
  softDelete(id: string): Promise<boolean>;
  categories(): Promise<CategoryCount[]>;
}

const missing = () => notFound('No product with this id');

export class Catalog {
  constructor(private readonly store: ProductStore) {}

  create(input: NewProduct): Promise<Product> {
    return this.store.insert(input).then(withoutDeletion);
  }

  /** A live product; deleted, unknown and malformed ids all read as 404 NOT_FOUND. */
  get(id: string): Promise<Product> {
    if (!isProductId(id)) return Promise.reject(missing());
    return this.store.findById(id).then((record) => {
      if (!record || record.deletedAt) throw missing();
      return withoutDeletion(record);
    });
  }

  async list(filter: ProductFilter, sort: ProductSort, page: number, limit: number): Promise<Page<Product>> {
    const result = await this.store.list(filter, sort, { skip: (page - 1) * limit, limit });
    return { items: result.items.map(withoutDeletion), page, limit, total: result.total };
  }

  /** Batch look-up for clients: live products only, in the order asked, each once. */
  async getMany(ids: string[]): Promise<Product[]> {
    return (await this.inOrder(ids)).filter((record) => !record.deletedAt).map(withoutDeletion);
  }

  /** Batch look-up for services: deleted products included, so an order can still be priced and explained. */
  async getManyIncludingDeleted(ids: string[]): Promise<ProductRecord[]> {
    return this.inOrder(ids);
  }

  async update(id: string, changes: ProductChanges): Promise<Product> {
    if (!isProductId(id)) throw missing();
    const record = Object.keys(changes).length ? await this.store.update(id, changes) : await this.store.findById(id);
    if (!record || record.deletedAt) throw missing();
    return withoutDeletion(record);
  }

  async remove(id: string): Promise<void> {
    if (!isProductId(id) || !(await this.store.softDelete(id))) throw missing();
  }

  categories(): Promise<CategoryCount[]> {
    return this.store.categories();
  }

  private async inOrder(ids: string[]): Promise<ProductRecord[]> {
    const wanted = distinctProductIds(ids);
    if (!wanted.length) return [];
    const byId = new Map((await this.store.findByIds(wanted)).map((record) => [record.id, record]));
    return wanted.flatMap((id) => byId.get(id) ?? []);
  }
}
