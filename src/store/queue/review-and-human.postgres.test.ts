import { openPostgresClone } from '../../../test/helpers/databases.js';
import { postgresUrl } from '../../../test/helpers/services.js';
import { defineReviewAndHumanContract } from '../../../test/helpers/review-and-human-contract.js';

defineReviewAndHumanContract({ name: 'postgres', open: async () => (await openPostgresClone(postgresUrl()!)).database });
