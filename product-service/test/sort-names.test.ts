import { ObjectId } from 'mongodb';
import { SORT_NAME_RULE, refreshSortNames } from '../src/data-access/collections';
import { startProductService, type ProductService } from './harness';

const names = (response: { data: { items: { name: string }[] } }) => response.data.items.map((p) => p.name);

describe('sort=name', () => {
  let svc: ProductService;
  beforeAll(async () => {
    svc = await startProductService();
  });
  afterAll(() => svc?.close());

  it('orders names alphabetically regardless of case and accents, also after a rename', async () => {
    const category = `accents-${Date.now()}`;
    for (const name of ['Zucchini', 'Éclair', 'apple', 'eclair tin', 'Ölkanne']) await svc.createProduct({ name, category });
    const renamed = await svc.createProduct({ name: 'banana', category });
    expect((await svc.api.patch(`/api/products/${renamed.id}`, { name: 'Åland cake' }, { headers: svc.admin })).status).toBe(200);
    const sorted = await svc.api.get('/api/products', { params: { category, sort: 'name' } });
    expect(names(sorted)).toEqual(['Åland cake', 'apple', 'Éclair', 'eclair tin', 'Ölkanne', 'Zucchini']);
  });

  it('brings products stored under an older rule up to date, once', async () => {
    const category = `older-rule-${Date.now()}`;
    const products = svc.db.collection('products');
    // As rule 1 stored them: the name lower-cased, and no rule recorded.
    const [eclair, zucchini] = [await svc.createProduct({ name: 'Éclair', category }), await svc.createProduct({ name: 'Zucchini', category })];
    for (const product of [eclair, zucchini]) {
      await products.updateOne({ _id: new ObjectId(product.id) }, { $set: { sortName: product.name.toLowerCase() }, $unset: { sortNameRule: '' } });
    }
    expect(names(await svc.api.get('/api/products', { params: { category, sort: 'name' } }))).toEqual(['Zucchini', 'Éclair']);

    expect(await refreshSortNames(svc.db)).toBe(2);
    expect(await products.findOne({ _id: new ObjectId(eclair.id) })).toMatchObject({ sortName: 'eclair', sortNameRule: SORT_NAME_RULE });
    // Another page size: the listing read before is still in the 1 s listing cache (start-up runs the refresh before any traffic).
    expect(names(await svc.api.get('/api/products', { params: { category, sort: 'name', limit: 10 } }))).toEqual(['Éclair', 'Zucchini']);
    expect(await refreshSortNames(svc.db)).toBe(0);
  });

  it('leaves the sortName of a product renamed between the refresh reading it and writing it', async () => {
    const category = `renamed-meanwhile-${Date.now()}`;
    const product = await svc.createProduct({ name: 'Éclair', category });
    const real = svc.db.collection('products');
    const _id = new ObjectId(product.id);
    await real.updateOne({ _id }, { $set: { sortName: 'éclair' }, $unset: { sortNameRule: '' } });
    // The edit lands right before the refresh's update of this product, as another replica's PATCH could.
    const renameFirst = new Proxy(real, {
      get: (target, prop, receiver) =>
        prop === 'updateOne'
          ? async (filter: { _id: ObjectId }, update: object) => {
              if (filter._id.equals(_id)) await real.updateOne({ _id }, { $set: { name: 'Zabaglione', sortName: 'zabaglione', sortNameRule: SORT_NAME_RULE } });
              return target.updateOne(filter, update);
            }
          : Reflect.get(target, prop, receiver),
    });
    const db = new Proxy(svc.db, { get: (target, prop, receiver) => (prop === 'collection' ? () => renameFirst : Reflect.get(target, prop, receiver)) });
    expect(await refreshSortNames(db)).toBe(0);
    expect(await real.findOne({ _id })).toMatchObject({ name: 'Zabaglione', sortName: 'zabaglione' });
  });

  it('refreshes a catalog larger than a page, page after page', async () => {
    const category = `many-${Date.now()}`;
    for (let i = 0; i < 120; i += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, j) => svc.createProduct({ name: `Item ${i + j}`, category })));
    }
    await svc.db.collection('products').updateMany({ category }, { $unset: { sortNameRule: '' } });
    // Pages of 50, three of them.
    expect(await refreshSortNames(svc.db, 50)).toBe(120);
    expect(await svc.db.collection('products').countDocuments({ category, sortNameRule: SORT_NAME_RULE })).toBe(120);
  }, 60_000);
});
