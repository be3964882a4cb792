import { Stores } from '../../../state/stores.ts';
import { keyValueStoreContract } from '../key-value-store-contract.ts';

keyValueStoreContract('level', (name) => Stores.levelKeyValueStore(name));
