import { Testing } from "cdktf/lib/testing";

Testing.setupJest();
