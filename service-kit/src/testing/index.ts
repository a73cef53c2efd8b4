export * from './postgres';
export * from './helpers';
export * from './service-process';
export * from './boot-test';
export * from './user-service-double';
export * from './tcp-proxy';
