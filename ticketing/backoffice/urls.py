"""The reseller's back office (team members only; each view checks the member's role)."""

from django.urls import path

from ticketing.backoffice.views import box_office, dashboard, discounts, events, orders, series, team, venues

app_name = "backoffice"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    # Events, ticket types, add-ons
    path("events/", events.event_list, name="event_list"),
    path("events/new/", events.event_create, name="event_create"),
    path("events/<int:pk>/", events.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", events.event_edit, name="event_edit"),
    path("events/<int:pk>/publish/", events.event_publish, name="event_publish"),
    path("events/<int:pk>/unpublish/", events.event_unpublish, name="event_unpublish"),
    path("events/<int:pk>/cancel/", events.event_cancel, name="event_cancel"),
    path("events/<int:pk>/image/", events.event_image, name="event_image"),
    path("events/<int:pk>/image/file/", events.event_image_file, name="event_image_file"),
    path("events/<int:pk>/image/remove/", events.event_image_remove, name="event_image_remove"),
    path("events/<int:pk>/ticket-types/new/", events.ticket_type_create, name="ticket_type_create"),
    path("ticket-types/<int:pk>/edit/", events.ticket_type_edit, name="ticket_type_edit"),
    path("events/<int:pk>/addons/new/", events.addon_create, name="addon_create"),
    path("addons/<int:pk>/edit/", events.addon_edit, name="addon_edit"),
    # Venues and event series
    path("venues/", venues.venue_list, name="venue_list"),
    path("venues/new/", venues.venue_create, name="venue_create"),
    path("venues/<int:pk>/edit/", venues.venue_edit, name="venue_edit"),
    path("series/", series.series_list, name="series_list"),
    path("series/new/", series.series_create, name="series_create"),
    path("series/<int:pk>/", series.series_detail, name="series_detail"),
    # Box office
    path("box-office/", box_office.box_office, name="box_office"),
    path("box-office/events/<int:pk>/", box_office.box_office_sale, name="box_office_sale"),
    # Orders
    path("orders/", orders.order_list, name="order_list"),
    path("orders/<str:code>/", orders.order_detail, name="order_detail"),
    path("orders/<str:code>/tickets.pdf", orders.order_tickets, name="order_tickets"),
    path("orders/<str:code>/mark-paid/", orders.order_mark_paid, name="order_mark_paid"),
    path("orders/<str:code>/cancel/", orders.order_cancel, name="order_cancel"),
    path("orders/<str:code>/refund/", orders.order_refund, name="order_refund"),
    # Discounts and promo codes
    path("discounts/", discounts.discount_list, name="discount_list"),
    path("discounts/new/", discounts.discount_create, name="discount_create"),
    path("events/<int:pk>/discounts/new/", discounts.event_discount_create, name="event_discount_create"),
    path("discounts/<int:pk>/edit/", discounts.discount_edit, name="discount_edit"),
    path("discounts/<int:pk>/switch/", discounts.discount_switch, name="discount_switch"),
    # Team
    path("team/", team.team, name="team"),
    path("team/invite/", team.member_invite, name="member_invite"),
    path("team/<int:pk>/role/", team.member_role, name="member_role"),
    path("team/<int:pk>/remove/", team.member_remove, name="member_remove"),
]
