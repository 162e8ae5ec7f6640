# Local sandbox: tofu apply -var-file=example.tfvars -var password=$(jq -r .admin ../../.sandbox/secrets.json)
servers = "nats://127.0.0.1:14222"
user    = "admin"
# With the sandbox PKI (mTLS), point these at the admin identity's certificate directory instead:
# tls_ca_file   = "../../.sandbox/pki/ca.crt"
# tls_cert_file = "../../.sandbox/pki/clients/admin/tls.crt"
# tls_key_file  = "../../.sandbox/pki/clients/admin/tls.key"
