import { Lifecycle } from '../src';
import { captureLogger, silentLogger } from '../src/testing';

describe('Lifecycle shutdown', () => {
  it('runs the phases in order, and the closers of one phase at once', async () => {
    const lifecycle = new Lifecycle(silentLogger());
    const events: string[] = [];
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    lifecycle.onShutdown('connection', 'connections', () => { events.push('connection'); });
    lifecycle.onShutdown('worker', 'workers', () => { events.push('worker'); });
    lifecycle.onShutdown('public listener', 'listeners', async () => { events.push('public starts'); await turn(); events.push('public drained'); });
    lifecycle.onShutdown('internal listener', 'listeners', async () => { events.push('internal starts'); await turn(); events.push('internal drained'); });
    await lifecycle.shutdown('test');
    expect(events).toEqual(['public starts', 'internal starts', 'public drained', 'internal drained', 'worker', 'connection']);
  });

  it('goes on with the other closers of a phase when one fails', async () => {
    const { logger, lines } = captureLogger();
    const lifecycle = new Lifecycle(logger);
    const closed: string[] = [];
    lifecycle.onShutdown('broken', 'connections', () => { throw new Error('already gone'); });
    lifecycle.onShutdown('database', 'connections', () => { closed.push('database'); });
    await lifecycle.shutdown('test');
    expect(closed).toEqual(['database']);
    expect(lines().find((l) => l.msg === 'error while closing')).toMatchObject({ closer: 'broken' });
  });
});
