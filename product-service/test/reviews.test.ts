import { ObjectId } from 'mongodb';
import { startProductService, type ProductService } from './harness';

describe('product reviews and ratings', () => {
  let svc: ProductService;
  beforeAll(async () => {
    svc = await startProductService();
  });
  afterAll(() => svc?.close());

  it('lets a user review a product once and updates its rating', async () => {
    const product = await svc.createProduct();
    const user = svc.customer();
    const response = await svc.api.post(`/api/products/${product.id}/reviews`, { rating: 4, comment: ' Solid cup ' }, { headers: user });
    expect(response.status).toBe(201);
    expect(response.data).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      productId: product.id,
      userId: expect.any(String),
      rating: 4,
      comment: 'Solid cup',
      createdAt: expect.any(String),
    });
    const rated = (await svc.api.get(`/api/products/${product.id}`)).data;
    expect(rated).toMatchObject({ ratingAverage: 4, ratingCount: 1 });
    // The rating is part of the product, so a change to it is a change of the product.
    expect(rated.updatedAt > product.updatedAt).toBe(true);
    expect(rated.updatedAt >= response.data.createdAt).toBe(true);

    const again = await svc.api.post(`/api/products/${product.id}/reviews`, { rating: 1 }, { headers: user });
    expect(again.status).toBe(409);
    expect(again.data.error.code).toBe('REVIEW_EXISTS');
    expect((await svc.api.get(`/api/products/${product.id}`)).data).toMatchObject({ ratingAverage: 4, ratingCount: 1 });
  });

  it('counts a stored review in the rating when its author retries after the first attempt failed before counting it', async () => {
    const product = await svc.createProduct();
    const user = svc.customer();
    expect((await svc.api.post(`/api/products/${product.id}/reviews`, { rating: 5 }, { headers: user })).status).toBe(201);
    // As if the add had stopped between storing the review and counting it (the client saw a 500).
    await svc.db.collection('products').updateOne({ _id: new ObjectId(product.id) }, { $set: { ratingCount: 0, ratingSum: 0 } });

    const retry = await svc.api.post(`/api/products/${product.id}/reviews`, { rating: 5 }, { headers: user });
    expect(retry.status).toBe(409);
    expect(await svc.db.collection('products').findOne({ _id: new ObjectId(product.id) })).toMatchObject({ ratingCount: 1, ratingSum: 5 });
  });

  it('takes the author from the token, never from the body', async () => {
    const product = await svc.createProduct();
    const other = await svc.createProduct();
    const response = await svc.api.post(
      `/api/products/${product.id}/reviews`,
      { rating: 5, userId: 'someone-else', productId: other.id, id: 'aaaaaaaaaaaaaaaaaaaaaaaa' },
      { headers: svc.customer() },
    );
    expect(response.status).toBe(201);
    expect(response.data.userId).not.toBe('someone-else');
    expect(response.data.productId).toBe(product.id);
    expect(response.data.id).not.toBe('aaaaaaaaaaaaaaaaaaaaaaaa');
    expect(response.data.comment).toBe('');
    expect((await svc.api.get(`/api/products/${other.id}`)).data.ratingCount).toBe(0);
  });

  it('rounds the average to two decimals', async () => {
    const product = await svc.createProduct();
    for (const rating of [5, 4, 4]) {
      expect((await svc.api.post(`/api/products/${product.id}/reviews`, { rating }, { headers: svc.customer() })).status).toBe(201);
    }
    expect((await svc.api.get(`/api/products/${product.id}`)).data).toMatchObject({ ratingAverage: 4.33, ratingCount: 3 });
  });

  it.each([
    [{ rating: 0 }, 'rating'],
    [{ rating: 6 }, 'rating'],
    [{ rating: 3.5 }, 'rating'],
    [{ rating: '5' }, 'rating'],
    [{}, 'rating'],
    [{ rating: 3, comment: 'x'.repeat(2001) }, 'comment'],
    [{ rating: 3, comment: { $gt: '' } }, 'comment'],
  ])('refuses %j with 400 naming %s', async (body, field) => {
    const product = await svc.createProduct();
    const response = await svc.api.post(`/api/products/${product.id}/reviews`, body, { headers: svc.customer() });
    expect(response.status).toBe(400);
    expect(response.data.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect((await svc.api.get(`/api/products/${product.id}/reviews`)).data.total).toBe(0);
  });

  it('needs a signed-in user to review', async () => {
    const product = await svc.createProduct();
    const response = await svc.api.post(`/api/products/${product.id}/reviews`, { rating: 5 });
    expect(response.status).toBe(401);
    expect(response.data.error.code).toBe('UNAUTHENTICATED');
  });

  it('answers 404 for reviews of an unknown, malformed or deleted product', async () => {
    const deleted = await svc.createProduct();
    await svc.api.delete(`/api/products/${deleted.id}`, { headers: svc.admin });
    for (const id of ['000000000000000000000000', 'not-an-id', 'a%00b', deleted.id]) {
      const post = await svc.api.post(`/api/products/${id}/reviews`, { rating: 5 }, { headers: svc.customer() });
      expect(post.status).toBe(404);
      expect(post.data.error.code).toBe('NOT_FOUND');
      expect((await svc.api.get(`/api/products/${id}/reviews`)).status).toBe(404);
    }
  });

  it('pages through reviews newest first', async () => {
    const product = await svc.createProduct();
    for (const rating of [1, 2, 3, 4, 5]) {
      await svc.api.post(`/api/products/${product.id}/reviews`, { rating, comment: `r${rating}` }, { headers: svc.customer() });
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    const first = await svc.api.get(`/api/products/${product.id}/reviews`, { params: { limit: 2 } });
    expect(first.status).toBe(200);
    expect(first.data).toMatchObject({ page: 1, limit: 2, total: 5 });
    expect(first.data.items.map((r: { comment: string }) => r.comment)).toEqual(['r5', 'r4']);
    const last = await svc.api.get(`/api/products/${product.id}/reviews`, { params: { limit: 2, page: 3 } });
    expect(last.data.items.map((r: { comment: string }) => r.comment)).toEqual(['r1']);
    expect((await svc.api.get(`/api/products/${product.id}/reviews`, { params: { limit: 500 } })).status).toBe(400);
  });

  it('keeps ratingCount and ratingAverage right when different users review at the same moment', async () => {
    const product = await svc.createProduct();
    const ratings = [5, 4, 3, 5, 1, 2, 5, 4, 4, 3, 5, 2, 1, 5, 4, 3];
    const responses = await Promise.all(
      ratings.map((rating) => svc.api.post(`/api/products/${product.id}/reviews`, { rating }, { headers: svc.customer() })),
    );
    expect(responses.map((r) => r.status)).toEqual(ratings.map(() => 201));
    const expectedAverage = Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 100) / 100;
    expect((await svc.api.get(`/api/products/${product.id}`)).data).toMatchObject({ ratingCount: ratings.length, ratingAverage: expectedAverage });
  });

  it('accepts exactly one of several simultaneous reviews by the same user', async () => {
    const product = await svc.createProduct();
    const user = svc.customer();
    const responses = await Promise.all(
      [5, 4, 3, 2, 1].map((rating) => svc.api.post(`/api/products/${product.id}/reviews`, { rating }, { headers: user })),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(4);
    const winner = responses.find((r) => r.status === 201)!.data.rating;
    expect((await svc.api.get(`/api/products/${product.id}`)).data).toMatchObject({ ratingCount: 1, ratingAverage: winner });
  });
});
