#!/usr/bin/env node
// Placeholder entry point; the real CLI lands with the front end.
console.log('sgm');
