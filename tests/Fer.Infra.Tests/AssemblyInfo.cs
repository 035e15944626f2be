using System.Runtime.Versioning;

// The Bicep CLI this project references is the linux-x64 build, and the hooks under test are bash.
[assembly: SupportedOSPlatform("linux")]
