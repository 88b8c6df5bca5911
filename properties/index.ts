/** `chainrep/properties`: fast-check suites and model-check configurations users can run. */
export {};
export * from './conformance-store';
export * from './conformance-transport';
export * from './conformance-config';
export * from './conformance-packet';
