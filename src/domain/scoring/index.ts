export * from './types';
export * from './metrics';
export * from './bootstrap';
export * from './select';
export * from './group';
export * from './bench';
export * from './recalibrate';
