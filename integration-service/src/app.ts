import { createHttpApps, type HttpApps, type Lifecycle, type Logger, type RabbitBroker } from '@ecommerce/service-kit';

export interface IntegrationServiceDeps {
  logger: Logger;
  lifecycle: Lifecycle;
  broker: RabbitBroker;
}

/** The worker's only HTTP surface: /healthz, /readyz and /metrics on port 3004. */
export function createIntegrationServiceApp(deps: IntegrationServiceDeps): HttpApps {
  return createHttpApps({
    service: 'integration-service',
    logger: deps.logger,
    lifecycle: deps.lifecycle,
    readiness: { rabbitmq: () => deps.broker.assertConnected() },
  });
}
