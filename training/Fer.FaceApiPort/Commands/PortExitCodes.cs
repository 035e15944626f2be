namespace Fer.FaceApiPort.Commands;

/// <summary>The export commands' exit codes: the same numbers as fer-train's, which registers these commands.</summary>
internal static class PortExitCodes
{
    public const int Success = 0;
    public const int ParityFailed = 3;
}
