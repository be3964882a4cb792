import { Stores } from '../../../state/stores.ts';
import { sessionStoreContract } from '../session-store-contract.ts';

sessionStoreContract('rocksdb', Stores.persistentSessionStore);
