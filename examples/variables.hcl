# variables: inputs and derived values. Variables come from their default,
# *.auto.vars files, --var-file, SANDBOX_VAR_<name> and --var (each wins over
# the ones before); locals compute values from them in whatever order their
# references need. `sandbox plan` shows the result without running anything,
# and prints "(sensitive)" for everything derived from a sensitive variable.
#
#   sandbox plan examples/variables.hcl
#   sandbox up examples/variables.hcl
#   sandbox up --var stage=prod --var 'regions=["eu", "us", "ap"]' examples/variables.hcl
#   SANDBOX_VAR_stage=test sandbox up examples/variables.hcl
variable "stage" {
  type        = string
  default     = "dev"
  description = "Deployment stage."
  validation {
    condition     = contains(["dev", "test", "prod"], var.stage)
    error_message = "The stage must be dev, test or prod."
  }
}

variable "regions" {
  type    = list(string)
  default = ["eu", "us"]
}

variable "api_token" {
  type      = string
  default   = "not-a-real-token"
  sensitive = true # hidden in diagnostics and in plan's readable output
}

locals {
  # banner uses name, declared below: locals are ordered by reference.
  banner  = "${upper(local.name)} in ${join(", ", local.targets)}"
  name    = "report-${var.stage}"
  targets = [for r in var.regions : format("%s-%s", r, var.stage)]
}

sandbox "vars" {
  hostname = local.name
  env = {
    BANNER    = local.banner
    REGIONS   = join(" ", var.regions)
    API_TOKEN = var.api_token
  }
  command = ["/bin/sh", "-c", "echo \"$BANNER\"; for r in $REGIONS; do echo \"region $r on $(hostname)\"; done"]
}
