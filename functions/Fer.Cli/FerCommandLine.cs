using System.CommandLine;
using Fer.Inference;

namespace Fer.Cli;

/// <summary>
/// The fer command tree and its error handling: a fault the user can fix is one line and exit code 1; anything else is a
/// bug and crashes with its stack trace.
/// </summary>
internal static class FerCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "fer: the Fer facial-expression recognition command line. A face's label is its apparent expression (what the face " +
            "shows), not a determination of the person's inner emotional state.")
        {
            ClassifyCommand.Create(),
            StorageCommands.Upload(),
            StorageCommands.Process(),
            StorageCommands.Results(),
            BatchCommands.Create(),
            ModelCommands.Create(),
            DataCommands.Create(),
            DemoCommand.Create(),
            ServeCommand.Create(),
        };
        root.Options.Add(StorageOptions.ConnectionString);
        root.Options.Add(StorageOptions.Account);
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            var parsed = Build().Parse(args);
            var exit = await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
            return parsed.Errors.Count > 0 ? ExitCodes.UsageError : exit; // the parser prints the errors and help, and would say 1
        }
        catch (Exception e) when (UserFaults.IsStorageFault(e))
        {
            await Console.Error.WriteLineAsync($"fer: storage is not reachable or refused the request: {UserFaults.StorageMessage(e)}").ConfigureAwait(false);
            await Console.Error.WriteLineAsync("     Locally, start Azurite with 'npm ci && npm run azurite'; for Azure, pass --account NAME after 'az login'.").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (Exception e) when (UserFaults.IsUserFault(e))
        {
            await Console.Error.WriteLineAsync($"fer: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }
}
