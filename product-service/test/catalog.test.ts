import { metricValue } from '@ecommerce/service-kit/testing';
import { newProduct, startProductService, type ProductService } from './harness';

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('product catalog: create, read, change and delete', () => {
  let svc: ProductService;
  beforeAll(async () => {
    svc = await startProductService();
  });
  afterAll(() => svc?.close());

  it('lets an admin create a product, with server-owned fields set by the server', async () => {
    const response = await svc.api.post('/api/products', newProduct(), { headers: svc.admin });
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe(`/api/products/${response.data.id}`);
    expect(response.data).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      ...newProduct(),
      ratingAverage: 0,
      ratingCount: 0,
      createdAt: expect.stringMatching(ISO_UTC),
      updatedAt: response.data.createdAt,
    });
    const read = await svc.api.get(`/api/products/${response.data.id}`);
    expect(read.status).toBe(200);
    expect(read.data).toEqual(response.data);
  });

  it('defaults description, quantity and imageUrls, and trims text', async () => {
    const response = await svc.api.post(
      '/api/products',
      { name: '  Teapot ', price: 0, currency: 'USD', category: ' kitchen ' },
      { headers: svc.admin },
    );
    expect(response.status).toBe(201);
    expect(response.data).toMatchObject({ name: 'Teapot', category: 'kitchen', description: '', quantity: 0, imageUrls: [], price: 0 });
  });

  it('ignores unknown fields, so clients cannot set ids, ratings, times or stock markers', async () => {
    const response = await svc.api.post(
      '/api/products',
      newProduct({
        id: 'aaaaaaaaaaaaaaaaaaaaaaaa',
        _id: 'aaaaaaaaaaaaaaaaaaaaaaaa',
        ratingAverage: 5,
        ratingCount: 1000,
        ratingSum: 5000,
        createdAt: '2000-01-01T00:00:00.000Z',
        deletedAt: '2000-01-01T00:00:00.000Z',
        stockMarkers: ['x'],
      }),
      { headers: svc.admin },
    );
    expect(response.status).toBe(201);
    expect(response.data.id).not.toBe('aaaaaaaaaaaaaaaaaaaaaaaa');
    expect(response.data).toMatchObject({ ratingAverage: 0, ratingCount: 0 });
    expect(response.data.createdAt).not.toBe('2000-01-01T00:00:00.000Z');
    expect(response.data).not.toHaveProperty('ratingSum');
    expect(response.data).not.toHaveProperty('stockMarkers');
    expect((await svc.api.get(`/api/products/${response.data.id}`)).status).toBe(200);
  });

  it.each([
    ['a negative price', { price: -1 }, 'price'],
    ['a fractional price', { price: 12.5 }, 'price'],
    ['a price sent as a string', { price: '1250' }, 'price'],
    ['a negative quantity', { quantity: -3 }, 'quantity'],
    ['a fractional quantity', { quantity: 1.5 }, 'quantity'],
    ['a lower-case currency', { currency: 'eur' }, 'currency'],
    ['a currency code ISO 4217 does not have', { currency: 'EUS' }, 'currency'],
    ['a query operator where the name belongs', { name: { $gt: '' } }, 'name'],
    ['a query operator where the category belongs', { category: { $ne: null } }, 'category'],
    ['an empty name', { name: '   ' }, 'name'],
    ['a name that is too long', { name: 'x'.repeat(201) }, 'name'],
    ['an image that is not an http(s) URL', { imageUrls: ['javascript:alert(1)'] }, 'imageUrls.0'],
    ['too many images', { imageUrls: Array.from({ length: 21 }, (_, i) => `https://img.example.com/${i}.jpg`) }, 'imageUrls'],
  ])('refuses %s with 400 VALIDATION_FAILED naming the field', async (_label, overrides, field) => {
    const response = await svc.api.post('/api/products', newProduct(overrides), { headers: svc.admin });
    expect(response.status).toBe(400);
    expect(response.data.error.code).toBe('VALIDATION_FAILED');
    expect(response.data.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('names every missing required field', async () => {
    const response = await svc.api.post('/api/products', {}, { headers: svc.admin });
    expect(response.status).toBe(400);
    const fields = (response.data.error.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['category', 'currency', 'name', 'price']);
  });

  it('answers 401 without a token and 403 to a customer on every admin route', async () => {
    const product = await svc.createProduct();
    const calls = [
      (headers?: object) => svc.api.post('/api/products', newProduct(), { headers }),
      (headers?: object) => svc.api.patch(`/api/products/${product.id}`, { price: 1 }, { headers }),
      (headers?: object) => svc.api.delete(`/api/products/${product.id}`, { headers }),
    ];
    for (const call of calls) {
      const anonymous = await call();
      expect(anonymous.status).toBe(401);
      expect(anonymous.data.error.code).toBe('UNAUTHENTICATED');
      const bad = await call({ Authorization: 'Bearer not.a.token' });
      expect(bad.status).toBe(401);
      const customer = await call(svc.customer());
      expect(customer.status).toBe(403);
      expect(customer.data.error.code).toBe('FORBIDDEN');
    }
    expect((await svc.api.get(`/api/products/${product.id}`)).data).toEqual(product);
  });

  it.each(['abc', '123', 'aaaaaaaaaaaa', 'zzzzzzzzzzzzzzzzzzzzzzzz', '000000000000000000000000', '%7B%22%24gt%22%3A%22%22%7D', 'a%00b'])(
    'reads the malformed or unknown id %s as 404 NOT_FOUND',
    async (id) => {
      for (const response of [
        await svc.api.get(`/api/products/${id}`),
        await svc.api.patch(`/api/products/${id}`, { price: 1 }, { headers: svc.admin }),
        await svc.api.delete(`/api/products/${id}`, { headers: svc.admin }),
      ]) {
        expect(response.status).toBe(404);
        expect(response.data.error.code).toBe('NOT_FOUND');
      }
    },
  );

  it('changes only the fields sent, ignores server-owned ones and moves updatedAt', async () => {
    const product = await svc.createProduct();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const response = await svc.api.patch(
      `/api/products/${product.id}`,
      { price: 999, name: 'Espresso cup, blue', id: 'bbbbbbbbbbbbbbbbbbbbbbbb', ratingCount: 7, createdAt: '2000-01-01T00:00:00.000Z' },
      { headers: svc.admin },
    );
    expect(response.status).toBe(200);
    expect(response.data).toEqual({
      ...product,
      price: 999,
      name: 'Espresso cup, blue',
      updatedAt: expect.stringMatching(ISO_UTC),
    });
    expect(Date.parse(response.data.updatedAt)).toBeGreaterThan(Date.parse(product.updatedAt));
    expect((await svc.api.get(`/api/products/${product.id}`)).data).toEqual(response.data);
  });

  it('answers an empty change with the product unchanged', async () => {
    const product = await svc.createProduct();
    const response = await svc.api.patch(`/api/products/${product.id}`, {}, { headers: svc.admin });
    expect(response.status).toBe(200);
    expect(response.data).toEqual(product);
  });

  it.each([
    [{ price: -5 }, 'price'],
    [{ quantity: 0.5 }, 'quantity'],
    [{ name: { $gt: '' } }, 'name'],
    [{ description: ['a'] }, 'description'],
  ])('refuses the bad change %j with 400 and leaves the product as it was', async (change, field) => {
    const product = await svc.createProduct();
    const response = await svc.api.patch(`/api/products/${product.id}`, change, { headers: svc.admin });
    expect(response.status).toBe(400);
    expect(response.data.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect((await svc.api.get(`/api/products/${product.id}`)).data).toEqual(product);
  });

  it('soft-deletes: gone from reads, listings and categories, still resolvable by services', async () => {
    const category = `deleted-${Date.now()}`;
    const product = await svc.createProduct({ category });
    const keep = await svc.createProduct({ category });
    const deleted = await svc.api.delete(`/api/products/${product.id}`, { headers: svc.admin });
    expect(deleted.status).toBe(204);
    expect(deleted.data).toBe('');

    expect((await svc.api.get(`/api/products/${product.id}`)).status).toBe(404);
    expect((await svc.api.patch(`/api/products/${product.id}`, { price: 1 }, { headers: svc.admin })).status).toBe(404);
    expect((await svc.api.delete(`/api/products/${product.id}`, { headers: svc.admin })).status).toBe(404);
    const listing = await svc.api.get('/api/products', { params: { category } });
    expect(listing.data.items.map((p: { id: string }) => p.id)).toEqual([keep.id]);
    expect(listing.data.total).toBe(1);
    const batch = await svc.api.get('/api/products', { params: { ids: `${product.id},${keep.id}` } });
    expect(batch.data.items.map((p: { id: string }) => p.id)).toEqual([keep.id]);
    const categories = await svc.api.get('/api/products/categories');
    expect(categories.data.items).toContainEqual({ name: category, count: 1 });

    const internal = await svc.internal.get('/internal/products', { params: { ids: `${product.id},${keep.id}` } });
    expect(internal.status).toBe(200);
    expect(internal.data.items).toEqual([
      { ...product, updatedAt: expect.any(String), deleted: true },
      { ...keep, deleted: false },
    ]);
  });

  it('describes every public route in /openapi.json, and only those', async () => {
    const response = await svc.api.get('/openapi.json');
    expect(response.status).toBe(200);
    const operations = Object.entries(response.data.paths as Record<string, object>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'GET /api/products',
        'POST /api/products',
        'GET /api/products/categories',
        'GET /api/products/{id}',
        'PATCH /api/products/{id}',
        'DELETE /api/products/{id}',
        'GET /api/products/{id}/reviews',
        'POST /api/products/{id}/reviews',
      ].sort(),
    );
    const create = response.data.paths['/api/products'].post;
    expect(create.security).toEqual([{ bearer: [] }]);
    expect(create.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['name', 'price', 'currency', 'category']));
  });

  it('counts each catalog change in /metrics', async () => {
    const counts = async () => {
      const text = (await svc.api.get('/metrics')).data as string;
      const count = (change: string) => metricValue(text, 'catalog_changes_total', { change });
      return { created: count('created'), updated: count('updated'), deleted: count('deleted') };
    };
    const before = await counts();
    const created = await svc.api.post('/api/products', newProduct(), { headers: svc.admin });
    expect(created.status).toBe(201);
    expect((await svc.api.patch(`/api/products/${created.data.id}`, { price: 999 }, { headers: svc.admin })).status).toBe(200);
    expect((await svc.api.delete(`/api/products/${created.data.id}`, { headers: svc.admin })).status).toBe(204);
    expect(await counts()).toEqual({ created: before.created + 1, updated: before.updated + 1, deleted: before.deleted + 1 });
  });
});
