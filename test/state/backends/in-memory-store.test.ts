import { Stores } from '../../../state/stores.ts';
import { keyValueStoreContract } from '../key-value-store-contract.ts';

keyValueStoreContract('in-memory', (name) => Stores.inMemoryKeyValueStore(name));
