if (process.env.NO_TRACES) { require("cdktf/lib/tokens/private/stack-trace").captureStackTrace = () => []; }
require("/work/main/scripts/app.js");
