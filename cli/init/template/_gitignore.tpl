node_modules/
dist/
cdktf.out/
.terraform/
*.tsbuildinfo
# local state of `cdktf deploy` (terraform.<stack>.tfstate): never commit it
*.tfstate
*.tfstate.*
# written by `npx egi-cdktf plan-summary --out plan-summary.md` (CI)
plan-summary.md
