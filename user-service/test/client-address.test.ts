import { clientKey } from '../src/entry-points/http/client-address';

describe('the client address sign-in attempts are counted by', () => {
  it.each([
    ['203.0.113.5', '203.0.113.5'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    [`fe80::1%eth0${'x'.repeat(100)}`, 'fe80::/64'],
  ])('counts %s as %s', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });

  it.each(['garbage', '1', '0x7f.1', '', undefined])('is no address for %p, so the socket peer is used instead', (address) => {
    expect(clientKey(address)).toBeUndefined();
  });
});
