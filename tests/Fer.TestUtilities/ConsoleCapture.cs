namespace Fer.Testing;

/// <summary>Runs a command line in-process with stdout and stderr captured (callers share a collection: the console is global).</summary>
public static class ConsoleCapture
{
    public static async Task<(int Exit, string Output, string Error)> RunAsync(Func<Task<int>> run)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var exit = await run();
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }
}
