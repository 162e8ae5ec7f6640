// Namespaces the stages create before helm does, because something must be on them first:
// linkerd's control-plane label (the trust bundle targets it), linkerd injection for the
// meshed workloads.
import { Namespace } from 'kubernetes-models/v1';
import { LINKERD, NAMESPACES } from './names.js';
import { type K8sObject, plain } from './objects.js';

const INJECT = { 'linkerd.io/inject': 'enabled' };

/**
 * The namespace as linkerd's own CLI install makes it (linkerd/linkerd2
 * charts/linkerd-control-plane/templates/namespace.yaml, rendered only for the CLI; helm installs
 * need it made first): the control-plane label the trust bundle targets, no proxy injection and
 * no admission webhooks on its own pods, and privileged pod security, since linkerd-init needs
 * NET_ADMIN without the CNI plugin.
 */
export function linkerdNamespace(): K8sObject {
  return plain(
    new Namespace({
      metadata: {
        name: NAMESPACES.linkerd,
        annotations: { 'linkerd.io/inject': 'disabled' },
        labels: {
          [LINKERD.controlPlaneLabel]: 'true',
          'config.linkerd.io/admission-webhooks': 'disabled',
          'linkerd.io/control-plane-ns': NAMESPACES.linkerd,
          'pod-security.kubernetes.io/enforce': 'privileged',
        },
      },
    }),
  );
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
