// Issue 13 "Proof that generalises", part 1 of 3: 100 random well-typed models (test/generator) per file.
import { generatedModelsTest } from './generated-models.js';

generatedModelsTest(13, 100);
