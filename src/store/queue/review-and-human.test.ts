import { openMigratedPglite } from '../../../test/helpers/databases.js';
import { defineReviewAndHumanContract } from '../../../test/helpers/review-and-human-contract.js';

defineReviewAndHumanContract({ name: 'pglite', open: openMigratedPglite });
