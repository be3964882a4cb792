/** One service in a TopologyTestDriver, with the platform's serdes on a mock registry. */
import { MockSchemaRegistry } from '../../../../schemas/registry/mock-registry.ts';
import { continueOnError, TopologyTestDriver } from '../../../../processors/testing/index.ts';
import { ApplicationIds, type ServiceName } from '../../../../topologies/ecommerce/contracts/stores.ts';
import { prefixedTopics, type TopicNames } from '../../../../topologies/ecommerce/contracts/topics.ts';
import { createEcommerceSerdes, type EcommerceSerdes } from '../../../../topologies/ecommerce/serdes.ts';
import { serviceTopologies, type BusOptions } from './saga-bus.ts';

export interface ServiceDriver {
  readonly driver: TopologyTestDriver;
  readonly serdes: EcommerceSerdes;
  readonly topics: TopicNames;
}

/** Undecodable records are skipped (dead-lettered) as the services are configured to. */
export async function serviceDriver(name: ServiceName, options: BusOptions = {}): Promise<ServiceDriver> {
  const topics = prefixedTopics('');
  const serdes = await createEcommerceSerdes(new MockSchemaRegistry(), topics);
  const driver = new TopologyTestDriver(serviceTopologies(serdes, topics, options)[name], {
    applicationId: ApplicationIds[name],
    initialWallClockTimeMs: 0,
    deserializationExceptionHandler: continueOnError,
  });
  return { driver, serdes, topics };
}
