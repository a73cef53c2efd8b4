import { startProductService, type ProductService } from './harness';
import type { Product } from '../src/domain/product';

const names = (response: { data: { items: Product[] } }) => response.data.items.map((p) => p.name);

describe('product listing: filters, search, sorting, paging, batch look-up and categories', () => {
  let svc: ProductService;
  const made: Record<string, Product> = {};

  beforeAll(async () => {
    svc = await startProductService();
    // Created one after another, so -createdAt order is the reverse of this list.
    const rows: [string, number, string, number, string][] = [
      ['apple', 300, 'fruit', 5, 'Crisp and red'],
      ['Banana', 100, 'fruit', 0, 'Yellow, sold by the bunch'],
      ['cherry', 200, 'fruit', 12, 'Dark sweet cherries'],
      ['C++ (2nd ed.) [draft]', 4500, 'books', 3, 'A book about C.*'],
      ['Cookbook', 2500, 'books', 0, 'Recipes with a pinch of $alt^'],
      ['Back\\slash mug', 900, 'kitchen', 7, 'A mug | with a pipe'],
    ];
    for (const [name, price, category, quantity, description] of rows) {
      made[name] = await svc.createProduct({ name, price, category, quantity, description });
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
  });
  afterAll(() => svc?.close());

  it('lists newest first with page, limit and total by default', async () => {
    const response = await svc.api.get('/api/products');
    expect(response.status).toBe(200);
    expect(response.data).toMatchObject({ page: 1, limit: 20, total: 6 });
    expect(names(response)).toEqual(['Back\\slash mug', 'Cookbook', 'C++ (2nd ed.) [draft]', 'cherry', 'Banana', 'apple']);
  });

  it('pages without repeating or skipping, even when the sort key ties', async () => {
    const tied = `tied-${Date.now()}`;
    for (let i = 0; i < 5; i++) await svc.createProduct({ name: `tie ${i}`, price: 777, category: tied });
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const response = await svc.api.get('/api/products', { params: { category: tied, sort: 'price', page, limit: 2 } });
      expect(response.data).toMatchObject({ page, limit: 2, total: 5 });
      seen.push(...response.data.items.map((p: Product) => p.id));
    }
    expect(new Set(seen).size).toBe(5);
    const beyond = await svc.api.get('/api/products', { params: { category: tied, page: 4, limit: 2 } });
    expect(beyond.data).toMatchObject({ items: [], total: 5 });
    for (const p of seen) await svc.api.delete(`/api/products/${p}`, { headers: svc.admin });
  });

  it.each([
    ['price', ['Banana', 'cherry', 'apple', 'Back\\slash mug', 'Cookbook', 'C++ (2nd ed.) [draft]']],
    ['-price', ['C++ (2nd ed.) [draft]', 'Cookbook', 'Back\\slash mug', 'apple', 'cherry', 'Banana']],
    ['name', ['apple', 'Back\\slash mug', 'Banana', 'C++ (2nd ed.) [draft]', 'cherry', 'Cookbook']],
    ['-createdAt', ['Back\\slash mug', 'Cookbook', 'C++ (2nd ed.) [draft]', 'cherry', 'Banana', 'apple']],
  ])('sorts by %s (names alphabetically whatever their case)', async (sort, expected) => {
    const response = await svc.api.get('/api/products', { params: { sort } });
    expect(response.status).toBe(200);
    expect(names(response)).toEqual(expected);
  });

  it('filters by category, price range (inclusive) and stock', async () => {
    expect(names(await svc.api.get('/api/products', { params: { category: 'fruit', sort: 'price' } }))).toEqual(['Banana', 'cherry', 'apple']);
    expect(names(await svc.api.get('/api/products', { params: { minPrice: 200, maxPrice: 900, sort: 'price' } }))).toEqual([
      'cherry',
      'apple',
      'Back\\slash mug',
    ]);
    expect(names(await svc.api.get('/api/products', { params: { inStock: 'true', category: 'books' } }))).toEqual(['C++ (2nd ed.) [draft]']);
    expect(names(await svc.api.get('/api/products', { params: { inStock: 'false', sort: 'name' } }))).toEqual(['Banana', 'Cookbook']);
    const combined = await svc.api.get('/api/products', { params: { category: 'fruit', inStock: 'true', maxPrice: 250, q: 'CHERR' } });
    expect(combined.data).toMatchObject({ total: 1 });
    expect(names(combined)).toEqual(['cherry']);
    expect((await svc.api.get('/api/products', { params: { category: 'nothing-here' } })).data).toEqual({ items: [], page: 1, limit: 20, total: 0 });
  });

  it('searches name and description case-insensitively', async () => {
    expect(names(await svc.api.get('/api/products', { params: { q: 'BOOK', sort: 'name' } }))).toEqual(['C++ (2nd ed.) [draft]', 'Cookbook']);
    expect(names(await svc.api.get('/api/products', { params: { q: 'yellow' } }))).toEqual(['Banana']);
  });

  it('answers 400 for a search term holding the NUL character, which MongoDB cannot search for', async () => {
    const response = await svc.api.get('/api/products?q=a%00b');
    expect(response.status).toBe(400);
    expect(response.data.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'q', in: 'query' }] });
  });

  it.each([
    ['C++', ['C++ (2nd ed.) [draft]']],
    ['(2nd ed.)', ['C++ (2nd ed.) [draft]']],
    ['[draft]', ['C++ (2nd ed.) [draft]']],
    ['C.*', ['C++ (2nd ed.) [draft]']],
    ['.*', ['C++ (2nd ed.) [draft]']],
    ['$alt^', ['Cookbook']],
    ['Back\\slash', ['Back\\slash mug']],
    ['|', ['Back\\slash mug']],
    ['(', ['C++ (2nd ed.) [draft]']],
    ['a.p', []],
    ['^apple$', []],
  ])('takes regex metacharacters in q=%s literally', async (q, expected) => {
    const response = await svc.api.get('/api/products', { params: { q, sort: 'name' } });
    expect(response.status).toBe(200);
    expect(names(response)).toEqual(expected);
  });

  it.each([
    ['sort=popularity', 'sort'],
    ['limit=101', 'limit'],
    ['limit=0', 'limit'],
    ['page=0', 'page'],
    ['page=abc', 'page'],
    ['minPrice=-1', 'minPrice'],
    ['minPrice=1.5', 'minPrice'],
    ['minPrice=', 'minPrice'],
    ['maxPrice=10&minPrice=20', 'maxPrice'],
    ['inStock=yes', 'inStock'],
    ['q=a&q=b', 'q'],
    ['category=a&category=b', 'category'],
    [`q=${'x'.repeat(201)}`, 'q'],
  ])('refuses ?%s with 400 naming %s', async (query, field) => {
    const response = await svc.api.get(`/api/products?${query}`);
    expect(response.status).toBe(400);
    expect(response.data.error.code).toBe('VALIDATION_FAILED');
    expect(response.data.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, in: 'query' })]));
  });

  it('looks several products up at once with ids=, in the order asked, each once, unknown ones left out', async () => {
    const wanted = [made.cherry.id, '000000000000000000000000', made.apple.id.toUpperCase(), made.cherry.id];
    const response = await svc.api.get('/api/products', { params: { ids: wanted.join(',') } });
    expect(response.status).toBe(200);
    expect(response.data.items).toEqual([made.cherry, made.apple]);
    expect(response.data).toMatchObject({ page: 1, limit: 3, total: 2 });
  });

  it('counts a repeated id once, also against the limit of 100', async () => {
    const ids = [...Array.from({ length: 100 }, (_, i) => i.toString(16).padStart(24, '0')), made.apple.id, made.apple.id.toUpperCase()];
    const response = await svc.api.get('/api/products', { params: { ids: ids.join(',') } });
    expect(response.status).toBe(400);
    expect(response.data.error.details).toEqual([expect.objectContaining({ field: 'ids', message: 'at most 100 distinct ids' })]);
    const repeated = await svc.api.get('/api/products', { params: { ids: [...ids.slice(0, 99), made.apple.id, made.apple.id.toUpperCase()].join(',') } });
    expect(repeated.status).toBe(200);
    expect(repeated.data).toMatchObject({ items: [made.apple], limit: 100, total: 1 });
  });

  it('refuses a batch with a malformed id or more than 100 ids', async () => {
    const malformed = await svc.api.get('/api/products', { params: { ids: `${made.apple.id},nope` } });
    expect(malformed.status).toBe(400);
    expect(malformed.data.error.details).toEqual([expect.objectContaining({ field: 'ids.1' })]);
    const tooMany = Array.from({ length: 101 }, (_, i) => i.toString(16).padStart(24, '0')).join(',');
    expect((await svc.api.get('/api/products', { params: { ids: tooMany } })).status).toBe(400);
    expect((await svc.api.get('/api/products', { params: { ids: '' } })).status).toBe(400);
  });

  it('counts products per category, by name, without the route being taken for an id', async () => {
    const response = await svc.api.get('/api/products/categories');
    expect(response.status).toBe(200);
    expect(response.data).toEqual({
      items: [
        { name: 'books', count: 2 },
        { name: 'fruit', count: 3 },
        { name: 'kitchen', count: 1 },
      ],
    });
  });
});
