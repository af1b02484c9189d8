// Issue 13 "Proof that generalises", part 3 of 3: 100 random well-typed models (test/generator) per file.
import { generatedModelsTest } from './generated-models.js';

generatedModelsTest(33, 100);
