import { Stores } from '../../../state/stores.ts';
import { windowStoreContract } from '../window-store-contract.ts';

windowStoreContract('rocksdb', Stores.persistentWindowStore);
