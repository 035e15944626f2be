using Fer.Api;

namespace Fer.Functions.Tests;

/// <summary>Admission by bytes in flight: what fits is admitted at once, what does not is refused at once, and one request larger than the whole budget is served alone.</summary>
public sealed class RequestBudgetTests
{
    [Fact]
    public void Reservations_are_admitted_while_they_fit_grow_while_they_fit_and_free_their_bytes_when_disposed()
    {
        var budget = new RequestBudget(100);

        using var first = budget.TryReserve(60);
        var second = budget.TryReserve(41);
        using var third = budget.TryReserve(0); // a body of unknown length, counted while it is read
        var grew = third!.TryGrowTo(40);
        var grewTooFar = third.TryGrowTo(41);
        var inFlight = budget.InFlightBytes;
        first!.Dispose();
        var afterRelease = third.TryGrowTo(90);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.True(grew);
        Assert.False(grewTooFar);
        Assert.True(third.Refused);
        Assert.Equal(100, inFlight);
        Assert.True(afterRelease);
        Assert.Equal(90, budget.InFlightBytes);
    }

    [Fact]
    public void A_request_larger_than_the_whole_budget_is_admitted_alone_and_then_holds_out_every_other()
    {
        var budget = new RequestBudget(100);

        var alone = budget.TryReserve(250);
        var beside = budget.TryReserve(1);
        alone!.Dispose();
        using var after = budget.TryReserve(1);

        Assert.NotNull(alone);
        Assert.Null(beside);
        Assert.NotNull(after);
        Assert.Equal(1, budget.InFlightBytes);
    }
}
