// Registers cdktf's jest matchers (toHaveResourceWithProperties, ...); the import brings their types.
import "cdktf/lib/testing/adapters/jest";
import { Testing } from "cdktf";

Testing.setupJest();
