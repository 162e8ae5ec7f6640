// Namespaces the stages create before helm does, because something must be on them first:
// linkerd's control-plane label (the trust bundle targets it), linkerd injection for the
// meshed workloads.
import { Namespace } from 'kubernetes-models/v1';
import { LINKERD, NAMESPACES } from './names.js';
import { type K8sObject, plain } from './objects.js';

const INJECT = { 'linkerd.io/inject': 'enabled' };

export function linkerdNamespace(): K8sObject {
  return plain(new Namespace({ metadata: { name: NAMESPACES.linkerd, labels: { [LINKERD.controlPlaneLabel]: 'true' } } }));
}

/** Where the Grafana admin Secret goes before the stack is installed. */
export function prometheusNamespace(): K8sObject {
  return plain(new Namespace({ metadata: { name: NAMESPACES.prometheus } }));
}

export function ingressNamespace(): K8sObject {
  return plain(new Namespace({ metadata: { name: NAMESPACES.ingress, annotations: INJECT } }));
}

export function natsNamespace(): K8sObject {
  return plain(new Namespace({ metadata: { name: NAMESPACES.nats, annotations: INJECT } }));
}
