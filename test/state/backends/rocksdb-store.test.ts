import { Stores } from '../../../state/stores.ts';
import { keyValueStoreContract } from '../key-value-store-contract.ts';

keyValueStoreContract('rocksdb', (name) => Stores.persistentKeyValueStore(name));
