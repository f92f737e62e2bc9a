{
  "language": "typescript",
  "app": "node_modules/.bin/tsc && node dist/main.js",
  "projectId": "{{projectId}}",
  "sendCrashReports": "false",
  "terraformProviders": [],
  "terraformModules": [],
  "context": {}
}
