node_modules/
dist/
cdktf.out/
.terraform/
*.tsbuildinfo
# local state of `{{framework}} deploy` (terraform.<stack>.tfstate): never commit it
*.tfstate
*.tfstate.*
# written by `npx egi-cdktf plan-summary --out plan-summary.md` (CI)
plan-summary.md
