// Core's runtime checks throw in tests when NODE_ENV starts with "test"; keep them on.
process.env.NODE_ENV = 'test';
