package dev.quarry.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.SettlingStream.End;
import dev.quarry.canonical.SettlingStream.Ending;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettlingStreamTest {
    private final List<End> ends = new ArrayList<>();

    @Test
    void aCompletedStreamEndsOnceBeforeItsStopIsHandedOn() {
        List<StreamEvent> handedOn = new ArrayList<>();
        try (SettlingStream stream = new SettlingStream(EventStream.of(List.of(
                new StreamEvent.MessageStart("m", "x"),
                new StreamEvent.UsageReport(new Usage(3, 4, 0, 0)),
                new StreamEvent.MessageStop(StopReason.END_TURN))), ends::add)) {
            while (stream.hasNext()) {
                StreamEvent event = stream.next();
                if (event instanceof StreamEvent.MessageStop) assertThat(ends).as("settled before the stop is handed on").hasSize(1);
                handedOn.add(event);
            }
        }
        assertThat(handedOn).hasSize(3);
        assertThat(ends).containsExactly(new End(Ending.COMPLETED, new Usage(3, 4, 0, 0), null));
    }

    @Test
    void aFailureEndsItWithTheErrorAndTheUsageSoFar() {
        Iterator<StreamEvent> events = List.<StreamEvent>of(new StreamEvent.UsageReport(new Usage(1, 2, 0, 0))).iterator();
        EventStream failing = new PullingEventStream() {
            @Override
            protected StreamEvent produce() {
                if (events.hasNext()) return events.next();
                throw QuarryException.of(ErrorKind.UPSTREAM_UNAVAILABLE, "gone");
            }

            @Override
            protected void release() {}
        };
        SettlingStream stream = new SettlingStream(failing, ends::add);
        stream.next();
        assertThatThrownBy(stream::hasNext).isInstanceOf(QuarryException.class);
        stream.close();
        assertThat(ends).singleElement().satisfies(end -> {
            assertThat(end.ending()).isEqualTo(Ending.FAILED);
            assertThat(end.usage()).isEqualTo(new Usage(1, 2, 0, 0));
            assertThat(end.error().kind()).isEqualTo(ErrorKind.UPSTREAM_UNAVAILABLE);
        });
    }

    @Test
    void closingEarlyIsACancellation() {
        SettlingStream stream = new SettlingStream(EventStream.of(List.of(new StreamEvent.MessageStart("m", "x"))), ends::add);
        stream.next();
        stream.close();
        stream.close();
        assertThat(ends).extracting(End::ending).containsExactly(Ending.CANCELLED);
    }
}
